"""The regression evaluation harness: versioned question sets, scoring, runs, reports and feedback drafts.

Public entry points: :func:`evals.runner.run_eval`, :func:`evals.runner.main`, :func:`evals.schema.load_set`,
:func:`evals.feedback.drafts_from_feedback`. Nothing is imported here so ``import evals`` stays cheap.
"""
