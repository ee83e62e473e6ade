-- runner-test: a resource SqlRunnerTest reads
SHOW TABLES;
