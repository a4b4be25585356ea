"""One way for a test to wait for something the stack does in the background (workers, streams)."""
import time


def wait_until(condition, seconds=20.0, interval=0.1):
    """True as soon as condition() is; False when `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True
