"""`serve`: the secured API answered over HTTP as API Gateway would, around the core's decisions.

Between the command line and the application layer; only `apigw-cognito serve` imports it (and aiohttp).
"""
