"""Votes: the tally rules, the hash chain, ballots, closing and results (决议, 公示)."""
