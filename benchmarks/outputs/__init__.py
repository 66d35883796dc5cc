"""What an output says: the input lines it changed, its operations' `security`, a verdict."""
