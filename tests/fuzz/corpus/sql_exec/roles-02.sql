CREATE ROLE r_tx;
SAVEPOINT s;
DROP ROLE r_tx;
ROLLBACK TO s;
COMMIT;
DROP ROLE r_tx;
DROP GROUP r_g;
DROP ROLE r_b, r_n, r_e, r_s, "current_user", "NONE", r_c;
