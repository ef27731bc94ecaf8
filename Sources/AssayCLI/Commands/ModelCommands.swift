import Foundation
import Hashing
import Registry

/// `assay model register NAME@VERSION FILE...`
struct ModelRegisterCommand: Command {
    static let help = CommandHelp(
        "register", abstract: "Register an immutable model version from one or more files.",
        usage:
            "NAME@VERSION FILE|DIR... [--copy] [--format gguf] [--base M@V ... --relation R --param KEY=VALUE ...] [--trained-on D@V ...] [--evaluated-on D@V ...]",
        discussion: """
            The version's identity is the SHA-256 of its file (one file) or of its sorted file
            manifest (several files; see Registry/README.md). Registering the same name, version and
            bytes again does nothing and succeeds; different bytes under an existing version fail
            and change nothing. A directory contributes every file under it, named by relative path.
            Relations: finetuned_from (default with --base), quantized_from, merged_from, adapter_of,
            distilled_from.
            With --copy the files are copied into the registry's content-addressed store
            (<home>/objects/sha256/, read-only) and registered there, so later edits of the original
            paths cannot change the evidence. Without it the files are registered in place and are
            verified against their SHA-256 before every evaluation, gate and serve.
            """,
        options: [
            .flag("--copy", "Copy the files into the registry's content-addressed store and register the copies"),
            .value("--format", "FORMAT", "Expected format (gguf, safetensors); fails if the bytes disagree"),
            .repeated("--base", "M@V", "Parent model version (repeat for merges)"),
            .value("--relation", "R", "Relation to --base (default finetuned_from)"),
            .repeated("--param", "KEY=VALUE", "Lineage parameter, e.g. method=lora, bits=4 (repeatable)"),
            .repeated("--trained-on", "D@V", "Dataset version it was trained on (repeatable)"),
            .repeated("--evaluated-on", "D@V", "Dataset version it was evaluated on (repeatable)")
        ],
        examples: [
            "assay model register smollm2-135m@1.0 SmolLM2-135M-Instruct.Q4_1.gguf",
            "assay model register smollm2-intents@1.0 ft.gguf --base smollm2-135m@1.0 --param method=lora --trained-on intents@2024-06"
        ])

    var reference: VersionReference
    var paths: [String]
    var format: ArtifactFormat?
    var lineage: [LineageLink]
    var copy: Bool

    init(arguments: inout Arguments) throws(CLIError) {
        copy = arguments.flag("--copy")
        let formatText = try arguments.option("--format")
        let bases = try arguments.options("--base")
        let relationText = try arguments.option("--relation")
        let params = try arguments.options("--param")
        let trainedOn = try arguments.options("--trained-on")
        let evaluatedOn = try arguments.options("--evaluated-on")
        reference = try arguments.reference()
        paths = arguments.remainingPositionals()
        try arguments.finish()
        guard !paths.isEmpty else { throw .usage("missing FILE") }
        if let formatText {
            guard let f = ArtifactFormat(rawValue: formatText.lowercased()), f != .unknown else {
                throw .usage("unknown format '\(formatText)' (expected gguf or safetensors)")
            }
            format = f
        } else {
            format = nil
        }
        do {
            let relation = try relationText.map(LineageRelation.init(parsing:)) ?? .finetunedFrom
            if relation.linksDataset {
                throw CLIError.usage("--relation \(relation.rawValue) is for datasets: use --trained-on/--evaluated-on")
            }
            if bases.isEmpty && (relationText != nil || !params.isEmpty) {
                throw CLIError.usage("--relation and --param describe the link to --base; give --base M@V")
            }
            let parameters = try LineageLink.parseParameters(params)
            var links: [LineageLink] = []
            for base in bases {
                links.append(LineageLink(relation: relation, parent: try parseReference(base), parameters: parameters))
            }
            for d in trainedOn { links.append(LineageLink(relation: .trainedOn, parent: try parseReference(d))) }
            for d in evaluatedOn { links.append(LineageLink(relation: .evaluatedOn, parent: try parseReference(d))) }
            lineage = links
        } catch let error as CLIError {
            throw error
        } catch let error as RegistryError {
            throw .usage(error.description)
        } catch {
            throw .usage(String(describing: error))
        }
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        var files = try ArtifactInput.collect(paths.map(context.resolve))
        if copy {
            let objects = ContentStore(home: store.home)
            files = try files.map { input throws(RegistryError) in try objects.ingest(input) }
        }
        // Crash-test hook (RegistryProcessTests): hold the write transaction open before COMMIT.
        var pause: Duration?
        if let ms = context.environment["ASSAY_TEST_PAUSE_BEFORE_COMMIT_MS"].flatMap(Int.init) {
            pause = .milliseconds(ms)
        }
        let request = ModelRegistration(
            reference: reference, files: files, expectedFormat: format, lineage: lineage,
            pauseBeforeCommit: pause)
        // Progress only on an interactive terminal: scripted runs keep stderr for the one-line error.
        let showProgress = context.output.stderrIsTTY && !context.globals.quiet
        var lastReported: UInt64 = 0
        let outcome = try store.registerModelVersion(request) { path, bytes in
            if bytes < lastReported { lastReported = 0 } // next file
            guard showProgress, bytes >= lastReported + (256 << 20) else { return }
            lastReported = bytes
            context.output.err("\rhashing \(path): \(bytes >> 20) MB")
        }
        if showProgress && lastReported > 0 { context.output.err("\n") }
        let version = outcome.value
        return try context.respondToRegistration(
            reference, isNew: outcome.isNew, version: Representation.modelVersion(version), digest: version.digest,
            files: version.artifacts.count, size: version.totalSize)
    }
}

/// `assay model show NAME@VERSION`
struct ModelShowCommand: VersionCommand {
    static let help = EntryKind.model.showHelp

    var reference: VersionReference

    func run(context: CommandContext) async throws -> Int32 {
        let version = try context.openRegistry().modelVersion(reference)
        return try context.respond(json: Representation.modelVersion(version)) { printText(version, context) }
    }

    private func printText(_ version: ModelVersion, _ context: CommandContext) {
        context.print("\(version.reference)")
        context.print("  sha256:   \(version.digest)")
        context.print("  format:   \(version.format)")
        context.print("  size:     \(formatBytes(version.totalSize)) (\(version.totalSize) bytes)")
        context.print("  created:  \(version.createdAt) by \(version.createdBy)")
        context.print("  artifacts:")
        for a in version.artifacts {
            context.print("    \(a.relativePath)  \(a.format.rawValue)  \(a.size) bytes  sha256 \(a.sha256)")
            if let f = a.facts {
                var facts: [String] = []
                if let v = f.architecture { facts.append("architecture \(v)") }
                if let v = f.parameterCount { facts.append("parameters \(v)") }
                if let v = f.quantization { facts.append("quantization \(v)") }
                if let v = f.contextLength { facts.append("context \(v)") }
                context.print("      " + facts.joined(separator: ", "))
            }
            context.print("      from \(a.uri)")
        }
        if !version.lineage.isEmpty {
            context.print("  lineage:")
            for e in version.lineage {
                let params = e.parameters == "{}" ? "" : "  \(e.parameters)"
                context.print("    \(e.relation.rawValue) \(e.parentKind) \(e.parent)\(params)")
            }
        }
    }
}

extension ModelVersion {
    /// `assay model list NAME`: one row per version.
    static let listColumns = ["VERSION", "FORMAT", "FILES", "SIZE", "SHA256", "CREATED", "BY"]

    var listRow: [String] {
        [
            reference.version, format, String(artifacts.count), formatBytes(totalSize), String(digest.prefix(12)),
            createdAt, createdBy
        ]
    }
}
