"""The AWS adapter: boto3 clients and failures as one line (`clients`), Cognito pools, import planning and calls, verify.

boto3 is imported only inside calls, so commands that never talk to AWS do not pay for it.
"""
