"""Code shared by spiders: the base spider, MOFCOM's jpaas API, MOFCOM and MOFA page parsing."""
