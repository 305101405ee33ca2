"""The certificate workflow's pages, one module per part of the workflow."""
