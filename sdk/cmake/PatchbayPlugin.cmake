# patchbay_add_plugin(<target> ID <id> SOURCES ... MANIFEST <plugin.json>) — placeholder, replaced by the SDK work.
