/**
 * Fixtures the runtime's own SDK clients cannot make (the runtime has no EC2 client): made
 * with boto3, which moto[server] installs, through the same moto endpoint and credentials.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type AwsCredentials, INSTALL_HINT, type MotoServer } from "./moto-server";

const run = promisify(execFile);

/** A VPC in the credentials' account and `region`; returns its id. */
export async function createVpc(
  moto: MotoServer,
  region: string,
  credentials: AwsCredentials,
): Promise<string> {
  const script = [
    "import boto3, sys",
    "ec2 = boto3.client('ec2', endpoint_url=sys.argv[1], region_name=sys.argv[2])",
    "print(ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId'])",
  ].join("\n");
  try {
    const { stdout } = await run("python3", ["-c", script, moto.endpoint, region], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      },
    });
    return stdout.trim();
  } catch (err) {
    throw new Error(
      `boto3 could not create a VPC on moto (${INSTALL_HINT}): ${(err as Error).message}`,
    );
  }
}
