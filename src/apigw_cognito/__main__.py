"""`python -m apigw_cognito` runs the command line."""

from apigw_cognito.cli.main import main

main()
