// npm run staff -- add EMAIL [--admin] [--name "Ms Lee"]
//                                        create an instructor (or admin) account; the password
//                                        comes from STAFF_PASSWORD or is asked for (hidden);
//                                        --name is what learners see (never the email)
// npm run staff -- list                  list the accounts
import { createInterface } from "node:readline";
import { loadConfig } from "../server/config";
import { openDatabase } from "../server/db";
import { loadOrCreateSecret } from "../server/auth/secret";
import { StaffService } from "../server/auth/staff";

async function askHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  out._writeToOutput = (s: string) => out.output.write(s.startsWith(question) ? s : "");
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  process.stdout.write("\n");
  return answer;
}

async function main(): Promise<number> {
  const [command, email, ...flags] = process.argv.slice(2);
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const staff = new StaffService(db.prisma, loadOrCreateSecret(config.sessionSecret, config.dataDir), config.cookieSecure);
    if (command === "list") {
      for (const s of await staff.list()) console.log(`${s.email}\t${s.role}\t${s.createdAt.toISOString()}`);
      return 0;
    }
    if (command === "add" && email) {
      const password = process.env.STAFF_PASSWORD ?? (await askHidden(`Password for ${email} (10+ characters): `));
      const nameAt = flags.indexOf("--name");
      const name = nameAt >= 0 ? flags[nameAt + 1] : undefined;
      if (nameAt >= 0 && !name) throw new Error('--name needs a value, e.g. --name "Ms Lee"');
      const created = await staff.create(email, password, flags.includes("--admin") ? "admin" : "instructor", name);
      console.log(`created ${created.role} ${created.email}, shown to learners as "${created.displayName}"`);
      return 0;
    }
    console.error('usage: npm run staff -- add EMAIL [--admin] [--name "Ms Lee"] | list');
    return 2;
  } catch (err) {
    console.error(`staff: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
}

void main().then((code) => process.exit(code));
