"""Many sessions and the visits of one patient: the batch-scoring queue and the visit comparison."""
