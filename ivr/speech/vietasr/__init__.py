"""speech/vietasr"""
