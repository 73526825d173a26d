"""Text of notices: CJK normalisation, dates, document numbers, attachments' text, diffs."""
