"""Deployment helpers behind deploy.sh: stage settings, template builds, AWS steps, SPA publishing.

Nothing here is shipped in the Lambda bundle. `python -m backend.deploy --help` lists the steps.
"""
