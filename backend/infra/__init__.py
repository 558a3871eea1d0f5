"""The CloudFormation templates of every stage (JSON), and the generator of the workflow's template
(workflow_template.py)."""
