"""The web app: office staff and coordinators work on the register in a browser."""
