# The incoming-webhook decoder and splitter: the plugin's own static library.
set(incoming_payload_fuzz_EXTRA_LIBS incoming_webhooks_decoding)
