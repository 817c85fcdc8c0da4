"""openhands"""
