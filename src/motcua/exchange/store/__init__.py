"""Personal data store (kho dữ liệu cá nhân)."""
