"""A local simulator of the Veeam VB365 v8 and VBGC 1.4-rev0 REST APIs, for tests of the Ansible collection."""

__version__ = "0.1.0"
