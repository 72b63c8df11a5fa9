import { useEffect, useState } from "react";

export type RouteName = "ceremony" | "witness" | "auditor" | "evidence" | "keys";

export interface Route {
  name: RouteName;
  params: URLSearchParams;
}

/** "#/witness?x=1" → {name: "witness", params}; anything unknown is the ceremony screen. */
export function parseHash(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const name: RouteName = path === "witness" || path === "auditor" || path === "evidence" || path === "keys" ? path : "ceremony";
  return { name, params: new URLSearchParams(query) };
}

export function routeHref(name: RouteName, params?: Record<string, string>): string {
  const query = params ? `?${new URLSearchParams(params).toString()}` : "";
  return `#/${name === "ceremony" ? "" : name}${query}`;
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
