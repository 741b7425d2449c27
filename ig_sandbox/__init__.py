"""Test doubles of the services the pipeline talks to, for tests, benchmarks and the demo.

`ig_sandbox.instagram` is an offline Instagram (network, HTTP server, CDN, web login),
`ig_sandbox.apify` a stand-in of Apify's API in front of it, and `ig_sandbox.openai` an
OpenAI-compatible server. Production code (`ig_resources`, `ig_assets`, sensors, schedules,
definitions) never imports this package; only the CLI's demo and sandbox commands, tests and
benchmarks do.
"""
