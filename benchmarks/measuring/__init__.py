"""The run itself: what is measured on each document and at start-up, in rounds, and the checks after."""
