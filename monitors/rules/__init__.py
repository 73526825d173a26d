"""Relevance rules (zh/ja/en topics) and who subscribes to them."""
