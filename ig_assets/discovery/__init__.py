"""Discovery: accounts around the network, bio e-mails, caption languages and account metrics."""
