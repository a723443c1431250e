import { useEffect, useState } from "react";
import { appInfo, type AppInfo } from "./ipc";

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    appInfo().then(setInfo, () => setInfo(null));
  }, []);
  return (
    <main className="welcome">
      <h1>Messagerie</h1>
      <p>La messagerie de votre ENT, sur votre ordinateur.</p>
      {info && <p className="version" data-testid="version">{`${info.name} ${info.version}`}</p>}
    </main>
  );
}
