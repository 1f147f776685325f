"""Question -> Answer in typed stages with one scored decision.

analyse (what the question names and asks) -> prior (scope as document weights: match, unknown, contradiction)
-> candidates (sentences, table rows, the rule-based answer) -> features -> decide (one fitted scorer and one
threshold: answer or refuse, with the reason) -> compose (the answer text, verified citations, the trace).
"""
