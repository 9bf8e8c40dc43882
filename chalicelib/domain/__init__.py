"""The pure domain: no AWS, no clock, no environment. Time comes in as an argument."""
