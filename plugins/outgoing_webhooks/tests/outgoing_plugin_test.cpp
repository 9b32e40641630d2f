// Placeholder replaced below in the same commit series; see the plugin tests.
#include <gtest/gtest.h>
