# The SDK's canonical-form JSON test, against RapidJSON's own round trip.
set(canonical_json_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
