"""apigw-cognito: secure OpenAPI documents with Cognito user pool authorizers for API Gateway."""
