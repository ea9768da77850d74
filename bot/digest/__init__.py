"""The weekly digest: the week's topics, votes, tickets, notices and next meeting in the group."""
