import Foundation
import InferenceCore
import JSON

// Server-sent events for `stream: true`.
extension InferenceAPI {
    /// One choice to stream.
    struct StreamJob: Sendable {
        var index: Int
        /// Text sent before the generated pieces (completions with `echo`).
        var echo: String?
        var request: GenerationRequest
    }

    /// Server-sent events, choice after choice: (chat: a first delta with the role) one event
    /// per generated piece, an event with the finish reason; with `include_usage` every event
    /// carries `usage: null` and a last event with no choices carries the totals; then
    /// `data: [DONE]`.
    func stream(model: ServedModel, chat: Bool, includeUsage: Bool, jobs: [StreamJob], backend: any Backend) -> Response
    {
        let id = Self.newID(chat ? "chatcmpl" : "cmpl")
        let modelID = model.id
        let object = chat ? "chat.completion.chunk" : "text_completion"
        let created = Int64(Date().timeIntervalSince1970)
        let metrics = self.metrics
        @Sendable func event(_ choices: [JSONValue], usage: JSONValue? = nil) -> [UInt8] {
            var json: [String: JSONValue] = [
                "id": .string(id), "object": .string(object), "created": .integer(created),
                "model": .string(modelID), "choices": .array(choices)
            ]
            if includeUsage { json["usage"] = usage ?? .null }
            return Array("data: ".utf8) + ((try? JSONValue.object(json).canonicalBytes()) ?? []) + Array("\n\n".utf8)
        }
        @Sendable func choice(_ index: Int, _ delta: [String: JSONValue]?, finish: String?) -> JSONValue {
            chat
                ? [
                    "index": .integer(Int64(index)), "delta": .object(delta ?? [:]), "logprobs": .null,
                    "finish_reason": finish.map(JSONValue.string) ?? .null
                ]
                : [
                    "index": .integer(Int64(index)), "text": delta?["content"] ?? "", "logprobs": .null,
                    "finish_reason": finish.map(JSONValue.string) ?? .null
                ]
        }
        var headers: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"]
        headers.add("X-Accel-Buffering", "no")
        return Response(
            status: .ok, headers: headers,
            body: .stream { writer in
                var promptTokens = 0
                var completionTokens = 0
                var countedPrompts = Set<String>()
                for job in jobs {
                    let index = job.index
                    if chat {
                        try writer.write(event([choice(index, ["role": "assistant", "content": ""], finish: nil)]))
                    }
                    if let echo = job.echo {
                        try writer.write(event([choice(index, ["content": .string(echo)], finish: nil)]))
                    }
                    let request = job.request
                    let result: GenerationResult
                    do {
                        result = try Self.callBlocking {
                            try await backend.generate(
                                request,
                                onToken: { piece in
                                    try? writer.write(event([choice(index, ["content": .string(piece)], finish: nil)]))
                                })
                        }
                    } catch {
                        // Headers are sent: report the failure as an error event (as OpenAI does) and stop.
                        let shaped =
                            (error as? OpenAIError)
                            ?? OpenAIError(status: .internalServerError, "generation failed: \(error)")
                        try writer.write(
                            Array("data: ".utf8) + ((try? shaped.json.canonicalBytes()) ?? []) + Array("\n\n".utf8))
                        break
                    }
                    let promptKey = request.promptTokens.map { "\($0)" } ?? request.prompt
                    if countedPrompts.insert(promptKey).inserted { promptTokens += result.promptTokenCount }
                    completionTokens += result.tokens.count
                    try writer.write(event([choice(index, [:], finish: Self.finish(result.finishReason))]))
                }
                metrics.tokens(model: modelID, prompt: promptTokens, completion: completionTokens)
                if includeUsage {
                    try writer.write(event([], usage: Self.usage(prompt: promptTokens, completion: completionTokens)))
                }
                try writer.write(Array("data: [DONE]\n\n".utf8))
            })
    }
}
