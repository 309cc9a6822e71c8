"""Faults reproduced for real, one file per fault: a kill mid-grade, two instances at
once, read-only files and folders, a full disk, a missing folder, a clock that jumps,
and Ctrl-C.

Processes are real processes, signals real signals; the programs the tests start are
in ``children/``. Nothing sleeps to wait for something to happen: waits poll a
condition with a bound. (The kill test does sleep for a random moment before each
kill: that moment is the point of the test.)
"""
