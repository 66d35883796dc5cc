"""What a document must satisfy before import: our API Gateway rules (`rules`) and OpenAPI validation
(`validation`)."""
