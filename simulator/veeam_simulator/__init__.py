"""A local simulator of the Veeam VB365 v8, VBGC 1.4-rev0 and VBAzure v8.1 REST APIs, for tests of the Ansible
collection. core/ knows no product; vb365/, vbgc/ and vbazure/ each declare a PRODUCT; products.py lists them."""

__version__ = "0.1.0"
