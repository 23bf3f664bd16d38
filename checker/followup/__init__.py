"""Follow-up (opfølgning) on the agreement's success criteria: the targets each criterion sets at
each checkpoint, and whether a measured value meets them."""
