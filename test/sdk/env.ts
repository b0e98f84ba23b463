// SDK-level tests run handlers with mocked AWS clients: give them a complete, fake configuration.
process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.TABLE_NAME = 'roster-test';
process.env.USER_POOL_ID = 'eu-west-1_test';
process.env.USER_POOL_CLIENT_ID = 'client-test';
process.env.MAIL_FROM = 'no-reply@roster.test';
process.env.APP_URL = 'https://app.roster.test';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
