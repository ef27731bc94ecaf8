"""Drives `assay serve` with the official `openai` Python client (issue 13, acceptance 2).

Usage: openai-client-check.py BASE_URL API_KEY MODEL
Exercises models.list/retrieve, completions (prompt arrays, n, logprobs, echo scoring), chat
(logprobs/top_logprobs, n, penalties), streams with usage, and errors; prints one line per
check and exits 1 on the first failure. Pinned client: openai==3.63.0 (scripts/setup.sh).
"""
import sys

import openai

base_url, api_key, model = sys.argv[1], sys.argv[2], sys.argv[3]
client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=600)


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)


# Models.
models = client.models.list()
ids = [m.id for m in models.data]
check("models.list names the served model", model in ids, ids)
check("models.list has created times", all(isinstance(m.created, int) and m.created > 0 for m in models.data))
check("models.retrieve", client.models.retrieve(model).id == model)

# Completions: a batch of two prompts, n = 2, logprobs of generated tokens.
c = client.completions.create(model=model, prompt=["The capital of France is", "1, 2, 3,"], n=2, max_tokens=4,
                              temperature=0, logprobs=2)
check("completions: prompts x n choices", sorted(ch.index for ch in c.choices) == [0, 1, 2, 3], [ch.index for ch in c.choices])
check("completions: greedy choices of a prompt agree", c.choices[0].text == c.choices[1].text)
lp = c.choices[0].logprobs
check("completions: logprobs per generated token", lp is not None and len(lp.tokens) == len(lp.token_logprobs) > 0)
check("completions: top_logprobs has the sampled token", all(t in top for t, top in zip(lp.tokens, lp.top_logprobs)))
check("completions: greedy token is the top one",
      all(abs(v - max(top.values())) < 1e-9 for v, top in zip(lp.token_logprobs, lp.top_logprobs)))
check("completions: usage", c.usage.completion_tokens == sum(len(ch.logprobs.tokens) for ch in c.choices))

# Scoring as lm-eval does it: echo + logprobs, one generated token, prompt given as token ids.
s = client.completions.create(model=model, prompt="Paris is the capital of France", echo=True, logprobs=1, max_tokens=1,
                              temperature=0)
scored = s.choices[0].logprobs
check("echo: prompt tokens then the generated one", scored.token_logprobs[0] is None and len(scored.tokens) == s.usage.prompt_tokens + 1)
check("echo: text starts with the prompt", s.choices[0].text.startswith("Paris is the capital of France"))

# Chat: n, logprobs with top_logprobs, penalties, seeded sampling reproducible.
chat = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Name a color."}], max_tokens=8,
                                      temperature=0, logprobs=True, top_logprobs=3, n=2, presence_penalty=0.5,
                                      frequency_penalty=0.5)
check("chat: two choices", len(chat.choices) == 2)
check("chat: non-empty answer", chat.choices[0].message.content.strip() != "", repr(chat.choices[0].message.content))
check("chat: role", chat.choices[0].message.role == "assistant")
content = chat.choices[0].logprobs.content
check("chat: logprobs per token with 3 alternatives", len(content) > 0 and all(len(t.top_logprobs) == 3 for t in content))
check("chat: token bytes", all(bytes(t.bytes).decode("utf-8", "replace") == t.token or t.bytes for t in content))
a = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say something."}], max_tokens=6, seed=42)
b = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say something."}], max_tokens=6, seed=42)
check("chat: same seed, same sample", a.choices[0].message.content == b.choices[0].message.content)

# Streams: the role first, usage at the end on request.
chunks = list(client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Name a color."}],
                                             max_tokens=6, temperature=0, stream=True,
                                             stream_options={"include_usage": True}))
check("chat stream: role in the first delta", chunks[0].choices[0].delta.role == "assistant")
check("chat stream: usage in the last chunk", chunks[-1].usage is not None and chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0)
text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
check("chat stream: same text as without streaming",
      text == client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Name a color."}],
                                             max_tokens=6, temperature=0).choices[0].message.content, repr(text))
pieces = list(client.completions.create(model=model, prompt="Once upon a time", max_tokens=5, temperature=0, stream=True))
check("completion stream: finish reason", pieces[-1].choices[0].finish_reason in ("length", "stop"))

# Errors: OpenAI's shape, so the client raises the right exception with the message.
try:
    client.completions.create(model=model, prompt="x", temperature=5)
    check("error: temperature out of range", False)
except openai.BadRequestError as e:
    check("error: 400 with param", e.status_code == 400 and e.body.get("param") == "temperature", e.body)
try:
    client.completions.create(model="no-such-model@1", prompt="x", max_tokens=1)
    check("error: unknown model", False)
except openai.NotFoundError as e:
    check("error: unknown model is 404 model_not_found", e.code == "model_not_found", e.body)
try:
    client.completions.create(model=model, prompt="hello " * 5000, max_tokens=1)
    check("error: prompt longer than the context", False)
except openai.BadRequestError as e:
    check("error: context_length_exceeded", e.code == "context_length_exceeded", e.body)
try:
    openai.OpenAI(base_url=base_url, api_key="wrong", max_retries=0).models.list()
    check("error: bad key", False)
except openai.AuthenticationError as e:
    check("error: bad key is 401", e.status_code == 401)
print("all checks passed")
