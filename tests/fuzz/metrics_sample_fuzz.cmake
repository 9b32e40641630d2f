# The checks on plugin samples and the text writer: pb_metrics is a plain library of the core.
set(metrics_sample_fuzz_EXTRA_LIBS pb_metrics)
