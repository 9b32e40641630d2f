# The incoming-webhook decoder and splitter: the plugin's own static library.
set(incoming_split_fuzz_EXTRA_LIBS incoming_webhooks_decoding)
