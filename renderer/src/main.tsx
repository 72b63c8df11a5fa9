import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/forms.css";
import "./styles/start.css";
import "./styles/officer.css";
import "./styles/read-aloud.css";
import "./styles/witness.css";
import "./styles/shares.css";
import "./styles/auditor.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
