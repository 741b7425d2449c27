"""Discovery: accounts around the network, bio e-mails, caption languages and account metrics.

The asset lives in `ig_assets.discovery.assets` (imported by `definitions`): the content domain uses the
rules here, so this package must not import the assets that depend on content.
"""
