"""The reliability suite: faults, bad inputs, kill-and-resume, properties and security."""
