-- Runs once, when the postgres container initialises an empty data directory.
-- One database per service: no service reads another service's data. Each service creates
-- its own tables (migrations) at start-up.
CREATE DATABASE order_service;
CREATE DATABASE payment_service;
CREATE DATABASE read_model;
