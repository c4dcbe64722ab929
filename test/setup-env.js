// Quiets the AWS SDK's Node 20 end-of-support notice in test output (it is printed once per worker otherwise).
// Node 22 (`npm run test:node22`) prints no such notice; the setting is then a no-op.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
