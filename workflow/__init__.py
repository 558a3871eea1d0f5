"""The Step Functions side of the event-driven workflow: the generator of the state machine
definition and of its CloudFormation template. Tooling: not shipped in the Lambda bundle."""
