"""schemathesis hooks for scripts/schemathesis.sh.

Generation length is capped in this run (max_tokens / max_completion_tokens at most 8, and 8 when
absent; n at most 2): the run tests request handling and the document, not generation speed, and a schema-valid
request for 16 choices of 32768 tokens each would keep a 2-core machine busy for hours. The
server's own limits (0...32768, n 1...16) stay as documented and are tested by unit tests.
"""
import schemathesis


@schemathesis.hook
def map_body(context, body):
    operation = context.operation
    if operation is None or operation.path not in ("/v1/completions", "/v1/chat/completions"):
        return body
    if isinstance(body, dict):
        if "max_tokens" not in body and "max_completion_tokens" not in body:
            body["max_tokens"] = 8  # the server's default would generate up to the context's end
        for key in ("max_tokens", "max_completion_tokens"):
            value = body.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 8:
                body[key] = 8
        n = body.get("n")
        if isinstance(n, int) and not isinstance(n, bool) and n > 2:
            body["n"] = 2
        best_of = body.get("best_of")
        if isinstance(best_of, int) and not isinstance(best_of, bool) and best_of > 2:
            body["best_of"] = body.get("n") if isinstance(body.get("n"), int) else 1
    return body
