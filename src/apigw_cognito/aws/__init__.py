"""The AWS adapter: boto3 clients and failures as one line (`clients`), Cognito pools, import planning, the
import calls, reading a live API back to verify it, and its gateway responses (`gateway_responses`).

boto3 is imported only inside calls, so commands that never talk to AWS do not pay for it.
"""
