-- Stage 1: INSERT/UPDATE/DELETE with DEFAULT and RETURNING.
CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0,
  price numeric(8,2));
INSERT INTO items VALUES (1, 'apple', 10, 0.5), (2, 'pear', DEFAULT, 1.25),
  (3, 'plum', 3, NULL);
INSERT INTO items (id, name) VALUES (4, 'fig') RETURNING *;
INSERT INTO items (name, id) VALUES ('kiwi', 5) RETURNING id, name, qty * 2 AS double_qty;
INSERT INTO items VALUES (6, 'lime', 1, 2, 3);
INSERT INTO items (id, name, qty) VALUES (7, 'x');
INSERT INTO items (id, name) VALUES (8, NULL);
INSERT INTO items (id, name, qty) VALUES (9, 'bad', 'many');
INSERT INTO items (id, name, qty) VALUES (10, 'bad', 1.7);
INSERT INTO items (nosuch) VALUES (1);
SELECT * FROM items ORDER BY id;
UPDATE items SET qty = qty + 1 WHERE id <= 2;
UPDATE items SET price = price * 2, name = upper(name) WHERE id = 1 RETURNING id, name, price;
UPDATE items SET price = price * 2 WHERE price IS NOT NULL;
UPDATE items SET qty = DEFAULT WHERE id = 1 RETURNING qty;
UPDATE items SET id = 1 WHERE id = 2;
UPDATE items SET id = 20 WHERE id = 2 RETURNING *;
UPDATE items SET name = NULL WHERE id = 3;
UPDATE items SET nosuch = 1;
UPDATE items SET qty = 0 WHERE id = 999;
SELECT * FROM items ORDER BY id;
DELETE FROM items WHERE id = 4 RETURNING id, name;
DELETE FROM items WHERE qty = 0;
DELETE FROM items WHERE id = 999;
SELECT id, name FROM items ORDER BY id;
DELETE FROM items;
SELECT count(*) FROM items;
INSERT INTO items VALUES (1, 'again', 1, 1);
SELECT * FROM items;
