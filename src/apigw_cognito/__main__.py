"""`python -m apigw_cognito` runs the command line."""

from .cli import main

main()
